import pino from "pino";
import { env } from "@/lib/env";

/** Structured JSON logs. Each request gets a child logger carrying its request id. */
export const log = pino({
  level: env().LOG_LEVEL,
  base: { service: "portside" },
  timestamp: pino.stdTimeFunctions.isoTime,
  redact: { paths: ["req.headers.authorization", "*.token", "*.password"], censor: "[redacted]" },
});

export type TLogger = pino.Logger;
