// Software trigger commands for serial scanners (shared/reference/hardware.md §2).

/** Honeywell: SYN T CR starts a triggered read, SYN U CR stops it (enioka ActivateTrigger). */
export function honeywellTrigger(on: boolean): Buffer {
  return Buffer.from([0x16, on ? 0x54 : 0x55, 0x0d]);
}

/**
 * Newland: `7E 01 30 30 30 30` + `#` (temporary) + command + `3B 03` (`;` ETX).
 * `#SCNTRG1` starts a read, `#SCNTRG0` stops it.
 */
export function newlandCommand(command: string, permanent = false): Buffer {
  return Buffer.concat([
    Buffer.from([0x7e, 0x01, 0x30, 0x30, 0x30, 0x30, permanent ? 0x40 : 0x23]),
    Buffer.from(command, 'latin1'),
    Buffer.from([0x3b, 0x03]),
  ]);
}

export function newlandTrigger(on: boolean): Buffer {
  return newlandCommand(on ? 'SCNTRG1' : 'SCNTRG0');
}
