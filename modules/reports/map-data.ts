import { Hono } from "hono";
import type { AppEnv } from "../../core/http/app-env.ts";

export const reportMapData = new Hono<AppEnv>();
