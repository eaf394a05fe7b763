// The configured devices, found by id or by role with the adapter's own type, so the daemon
// drives a printer or a relay without casting a `Device`.
import type { AnyDevice, DeviceOfRole, DeviceRole } from './types.ts';

export class DeviceRegistry {
  readonly all: readonly AnyDevice[];

  constructor(devices: readonly AnyDevice[]) {
    const seen = new Set<string>();
    for (const d of devices) {
      if (seen.has(d.health.id)) throw new Error(`two devices have the id "${d.health.id}"; device ids must be unique`);
      seen.add(d.health.id);
    }
    this.all = devices;
  }

  byId(id: string): AnyDevice | undefined {
    return this.all.find((d) => d.health.id === id);
  }

  /** Every device of `role`, in configuration order. */
  byRole<R extends DeviceRole>(role: R): DeviceOfRole<R>[] {
    return this.all.filter((d): d is DeviceOfRole<R> => d.role === role);
  }

  /** The first device of `role`, or undefined when none is configured. */
  first<R extends DeviceRole>(role: R): DeviceOfRole<R> | undefined {
    return this.byRole(role)[0];
  }

  /** The device `id` when it has `role`; undefined when it is missing or has another role. */
  get<R extends DeviceRole>(id: string, role: R): DeviceOfRole<R> | undefined {
    const d = this.byId(id);
    return d && isRole(d, role) ? d : undefined;
  }
}

function isRole<R extends DeviceRole>(d: AnyDevice, role: R): d is DeviceOfRole<R> {
  return d.role === role;
}
