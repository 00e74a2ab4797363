import pino from "pino";
import type { TLogger } from "@/lib/log";

/** better-auth logs errors as extra arguments (often inside an object); pino prints an Error only where it is a field's value, so unwrap them. */
function loggable(value: unknown, depth = 0): unknown {
  if (value instanceof Error) return pino.stdSerializers.err(value);
  if (depth < 2 && value && typeof value === "object" && !Array.isArray(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, loggable(inner, depth + 1)]));
  }
  return value;
}

/** better-auth's `logger` option, writing to our pino logger with every error's message and stack. */
export function authLogger(log: TLogger) {
  return {
    log: (level: "debug" | "info" | "warn" | "error", message: string, ...args: unknown[]) =>
      log[level](args.length ? { details: args.map((arg) => loggable(arg)) } : {}, `auth: ${message}`),
  };
}
