import { describe, expect, it } from "vitest";
import { signalNumber } from "../src/model/signals.js";

describe("stop_signal's signal numbers", () => {
  it.each([
    ["SIGTERM", 15],
    ["term", 15],
    ["INT", 2],
    ["SIGQUIT", 3],
    ["9", 9],
    ["SIGRTMIN", 34],
    ["SIGRTMIN+3", 37],
    ["RTMAX-1", 63],
    ["SIGIOT", 6],
  ])("reads %s as %i", (text, n) => {
    expect(signalNumber(text)).toBe(n);
  });

  it.each(["SIGFOO", "0", "65", "SIGTERM+1", "SIGRTMAX+1", "SIGRTMIN-1", "", "SIG", "--volumes"])("refuses %j", (text) => {
    expect(signalNumber(text)).toBeUndefined();
  });
});
