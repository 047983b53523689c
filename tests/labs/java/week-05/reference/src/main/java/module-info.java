/**
 * Shelf's fan-out library. Code outside this module may use its API, dev.shelf.fanout, and
 * nothing else: dev.shelf.fanout.internal is the implementation's.
 */
module dev.shelf.fanout {
    exports dev.shelf.fanout;
}
