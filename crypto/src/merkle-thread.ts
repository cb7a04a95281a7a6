/** A worker thread of LeafRunHashers: the run roots of the SM3 leaf data it is sent. */
import { parentPort } from 'node:worker_threads';
import { leafRunRoots, wasmSM3 } from './merkle';

const port = parentPort!;
port.on('message', ({ id, data, width }: { id: number; data: ArrayBuffer; width: number }) => {
  wasmSM3()
    .then((h) => {
      const roots = leafRunRoots(h, new Uint8Array(data), width);
      const { buffer } = roots as Uint8Array<ArrayBuffer>;
      // The leaf data goes back too: held here, it would wait for this thread's next collection, which
      // an idle thread may never have.
      port.postMessage({ id, roots: buffer }, [buffer, data]);
    })
    .catch((err: unknown) => port.postMessage({ id, error: err instanceof Error ? err.message : String(err) }));
});
