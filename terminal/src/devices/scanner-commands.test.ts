import { test } from 'node:test';
import assert from 'node:assert/strict';
import { honeywellTrigger, newlandCommand, newlandTrigger } from './scanner-commands.ts';
import { splitAim } from './aim.ts';

test('Honeywell trigger and untrigger are SYN T CR and SYN U CR', () => {
  assert.equal(honeywellTrigger(true).toString('hex'), '16540d');
  assert.equal(honeywellTrigger(false).toString('hex'), '16550d');
});

test('Newland commands are 7E 01 "0000" # command ; ETX', () => {
  assert.equal(newlandTrigger(true).toString('hex'), '7e0130303030' + '23' + Buffer.from('SCNTRG1').toString('hex') + '3b03');
  assert.equal(newlandCommand('SCNMOD2', true).subarray(6, 7).toString(), '@');
});

test('splits AIM ids into symbologies, refining by modifier', () => {
  assert.deepEqual(splitAim(']Q1YSS1:X'), { aim: ']Q1', symbology: 'qr', text: 'YSS1:X' });
  assert.deepEqual(splitAim(']E04006381333931'), { aim: ']E0', symbology: 'ean13', text: '4006381333931' });
  assert.deepEqual(splitAim(']C1(01)0950'), { aim: ']C1', symbology: 'gs1-128', text: '(01)0950' });
  assert.deepEqual(splitAim(']d2X'), { aim: ']d2', symbology: 'gs1-datamatrix', text: 'X' });
  assert.deepEqual(splitAim('HC1:NCF'), { aim: null, symbology: null, text: 'HC1:NCF' });
  assert.deepEqual(splitAim(']]'), { aim: null, symbology: null, text: ']]' });
});
