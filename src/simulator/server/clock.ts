// Drives the simulation's clock from the wall clock: simulated time = base + elapsed × speed,
// advanced by a timer. Speed 0 freezes time (only `/sim/advance` moves it), the default for tests.
import type { Simulation } from '../simulation.ts';

export class SimClock {
  private wallBase: number;
  private simBase: number;
  private timer: NodeJS.Timeout | null = null;
  private speedValue: number;

  constructor(
    private readonly sim: Simulation,
    speed: number,
    private readonly tickMs = 50,
    private readonly wallNow: () => number = Date.now,
    /** The wall time that corresponds to the simulation's current time (default: now). */
    wallAtSimNow: number = wallNow(),
  ) {
    if (!(speed >= 0) || !Number.isFinite(speed)) throw new RangeError(`invalid speed ${speed}`);
    this.speedValue = speed;
    this.wallBase = wallAtSimNow;
    this.simBase = sim.now;
  }

  get speed(): number {
    return this.speedValue;
  }

  start(): void {
    if (this.timer !== null) return;
    this.timer = setInterval(() => this.tick(), this.tickMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /** The simulated time the wall clock says we should be at. */
  target(): number {
    if (this.speedValue === 0) return this.simBase;
    return Math.floor(this.simBase + (this.wallNow() - this.wallBase) * this.speedValue);
  }

  /** Catches the simulation up with the wall clock. */
  tick(): void {
    const t = this.target();
    if (t > this.sim.now) this.sim.advanceTo(t);
  }

  /** Moves simulated time forward by `ms` on top of the running clock. */
  advance(ms: number): number {
    if (!(ms >= 0) || !Number.isSafeInteger(ms)) throw new RangeError('ms must be a non-negative integer');
    const t = Math.max(this.target(), this.sim.now) + ms;
    this.rebase(t);
    this.sim.advanceTo(t);
    return t;
  }

  setSpeed(speed: number): void {
    if (!(speed >= 0) || !Number.isFinite(speed)) throw new RangeError(`invalid speed ${speed}`);
    this.tick();
    this.rebase(this.sim.now);
    this.speedValue = speed;
  }

  private rebase(simT: number): void {
    this.simBase = simT;
    this.wallBase = this.wallNow();
  }
}
