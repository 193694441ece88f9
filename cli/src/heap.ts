import v8 from 'node:v8';

/**
 * Tunes V8 for the CLI's streaming work (import, export, copy, switch), once, before any of it runs.
 *
 * Allocation-site pretenuring moves a site's objects straight to the old generation once most of them survive a
 * young collection. A streaming import trips it at random (a batch alive across a backpressure wait looks
 * long-lived): measured on 1M rows, 2 of 6 runs then filled the old generation with garbage and peaked at 314 MB
 * instead of 143 MB; with pretenuring off, 8 of 8 runs stayed at 143-145 MB, at the same speed.
 */
export function tuneHeapForStreaming(): void {
  v8.setFlagsFromString('--no-allocation-site-pretenuring');
}
