import { demoWebPart } from "./demo-web";
import { allowlistDemoPart } from "../allowlist/demo-part";
import type { DemoPart } from "./environment";

/**
 * The demo environment's parts, in the order they are built (each module adds itself here).
 * Removed in reverse order.
 */
export const DEMO_PARTS: DemoPart[] = [allowlistDemoPart, demoWebPart];
