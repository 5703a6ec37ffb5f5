// Event-loop delay as monitorEventLoopDelay measures it, made readable.

/** Sampling interval of the event-loop delay monitors (server probe and load generator). */
export const RESOLUTION_MS = 10;

/** monitorEventLoopDelay records whole timer intervals (the resolution included): the delay is the excess, in ms. */
export function loopDelayMs(recordedNs: number): number {
  return Math.max(0, recordedNs / 1e6 - RESOLUTION_MS);
}
