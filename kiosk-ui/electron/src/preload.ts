// Runs sandboxed, with context isolation: it exposes nothing but the fact that the page runs in
// the kiosk shell. The renderer needs no IPC; everything goes through the daemon's loopback API.
import { contextBridge } from 'electron';

contextBridge.exposeInMainWorld('yssKiosk', Object.freeze({ shell: 'electron' }));
