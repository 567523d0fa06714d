/** Test helper: a FileIO whose reads each wait `ms` first (to hold a job long enough to interfere with it). */
import type { FileIO } from '../../src/io/input-file.ts';

export function slowIO(inner: FileIO, ms: number): FileIO {
  return {
    newInputFile(location) {
      const file = inner.newInputFile(location);
      return {
        location: file.location,
        length: (signal) => file.length(signal),
        read: async (start, end, signal, observer) => {
          await new Promise((r) => setTimeout(r, ms));
          return file.read(start, end, signal, observer);
        },
      };
    },
  };
}
