/**
 * Linux's signal numbers by name, as docker reads `stop_signal` (case does
 * not matter, `SIG` is optional; real-time signals as RTMIN+N or RTMAX-N,
 * numbered from 34 to 64 as Go's and glibc's tables do). A container that
 * dies of signal N exits 128 + N.
 */
const NUMBERS: Readonly<Record<string, number>> = {
  HUP: 1,
  INT: 2,
  QUIT: 3,
  ILL: 4,
  TRAP: 5,
  ABRT: 6,
  IOT: 6,
  BUS: 7,
  FPE: 8,
  KILL: 9,
  USR1: 10,
  SEGV: 11,
  USR2: 12,
  PIPE: 13,
  ALRM: 14,
  TERM: 15,
  STKFLT: 16,
  CHLD: 17,
  CLD: 17,
  CONT: 18,
  STOP: 19,
  TSTP: 20,
  TTIN: 21,
  TTOU: 22,
  URG: 23,
  XCPU: 24,
  XFSZ: 25,
  VTALRM: 26,
  PROF: 27,
  WINCH: 28,
  IO: 29,
  POLL: 29,
  PWR: 30,
  SYS: 31,
  RTMIN: 34,
  RTMAX: 64,
};

const LAST = 64;

/** The number of a signal as `stop_signal` may write it (`SIGINT`, `int`, `2`, `SIGRTMIN+3`), or undefined for none. */
export function signalNumber(text: string): number | undefined {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    return n >= 1 && n <= LAST ? n : undefined;
  }
  const m = /^(?:SIG)?([A-Z][A-Z0-9]*?)(?:([+-])(\d{1,2}))?$/i.exec(text);
  if (!m) return undefined;
  const base = NUMBERS[m[1]!.toUpperCase()];
  if (base === undefined) return undefined;
  if (m[2] === undefined) return base;
  if (base !== NUMBERS.RTMIN && base !== NUMBERS.RTMAX) return undefined;
  const n = m[2] === "+" ? base + Number(m[3]) : base - Number(m[3]);
  return n >= NUMBERS.RTMIN! && n <= LAST ? n : undefined;
}
