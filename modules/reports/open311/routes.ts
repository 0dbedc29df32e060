import { Hono } from "hono";
import type { AppEnv } from "../../../core/http/app-env.ts";

export const open311Routes = new Hono<AppEnv>();
