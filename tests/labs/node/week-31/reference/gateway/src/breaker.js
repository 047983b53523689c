'use strict';

// A circuit breaker: closed (calls go through), open (calls fail at once, the dependency is
// left alone), half-open (one trial call decides whether to close again or stay open).
class OpenCircuitError extends Error {
  constructor() {
    super('the circuit is open');
    this.name = 'OpenCircuitError';
  }
}

class CircuitBreaker {
  constructor({ failureThreshold = 3, resetTimeoutMs = 1000 } = {}) {
    this.failureThreshold = failureThreshold;
    this.resetTimeoutMs = resetTimeoutMs;
    this.failures = 0;
    this.openedAt = null;
    this.trial = false;
  }

  get state() {
    if (this.openedAt === null) return 'closed';
    return Date.now() - this.openedAt >= this.resetTimeoutMs ? 'half-open' : 'open';
  }

  async call(fn) {
    const state = this.state;
    if (state === 'open' || (state === 'half-open' && this.trial)) throw new OpenCircuitError();
    if (state === 'half-open') this.trial = true;
    try {
      const result = await fn();
      this.failures = 0;
      this.openedAt = null;
      return result;
    } catch (err) {
      this.failures += 1;
      if (state === 'half-open' || this.failures >= this.failureThreshold) this.openedAt = Date.now();
      throw err;
    } finally {
      if (state === 'half-open') this.trial = false;
    }
  }
}

module.exports = { CircuitBreaker, OpenCircuitError };
