export { TicketCounter } from './ticket-counter.ts';
export { Queue, type NewEvent, type QueueOptions, type QueueStats, type QueueTx, type OutgoingEvent } from './queue.ts';
export { HallNumbers, ticketNumber, type HallNumbersHealth, type HallNumbersOptions, type NumberSource } from './hall-numbers.ts';
