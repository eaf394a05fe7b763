// Shard 1 of 2 of venue-layout-suite.ts: issue 11's screen numbers and axe over half the shipped venues.
import { venueLayoutSuite } from './venue-layout-suite.ts';

venueLayoutSuite(0, 2);
