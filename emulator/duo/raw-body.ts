/** The body text as received, per request (keyed by the request object, so two emulators never mix). */
export const rawBodies = new WeakMap<object, string>();
