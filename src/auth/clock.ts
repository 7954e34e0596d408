// Time as a collaborator, so lockouts and expiries are tested by moving a clock, not by sleeping.
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();
