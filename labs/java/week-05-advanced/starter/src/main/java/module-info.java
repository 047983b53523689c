/**
 * Shelf's fan-out library. Code outside this module may use its API, dev.shelf.fanout, and
 * nothing else: dev.shelf.fanout.internal is the implementation's.
 *
 * TODO: export only the API package. Exporting the internal package too lets any caller
 * depend on it, and the module no longer hides its implementation.
 */
module dev.shelf.fanout {
    exports dev.shelf.fanout;
    exports dev.shelf.fanout.internal;
}
