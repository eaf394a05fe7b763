// What goes wrong with devices, as staff see it. Devices never throw across their boundary
// (style.md): trouble is a state in DeviceHealth (`state`, with a human `detail`) or, for an
// output, the `reason` of its result. docs/terminal-errors.md documents both lists; a test keeps
// them in step.

/** Why a ticket did not print (PrintResult.reason). */
export const PRINT_FAILURES = {
  offline: { message: 'the printer is not connected, or reports itself offline (error)' },
  cover_open: { message: 'the printer reports its cover open' },
  paper_out: { message: 'the printer reports it is out of paper' },
  write_failed: { message: 'the bytes could not be written to the printer' },
} as const;

export type PrintFailure = keyof typeof PRINT_FAILURES;

/** Where a device is in its life (UnifiedPOS: open → claim → enable; errors and unplug). */
export const DEVICE_STATES = {
  connecting: { message: 'opening the device, or checking it answers (an ID reader checks its SAM)' },
  connected: { message: 'open and answering' },
  disconnected: { message: 'not present: unplugged, never found at its path, or closed' },
  error: { message: 'present but failing: the detail says how (open refused, no answer, paper out)' },
  missing_backend: { message: 'the native package the adapter needs is not installed' },
} as const;
