import { demoWebPart } from "./demo-web";
import { allowlistDemoPart } from "../allowlist/demo-part";
import { demoApiKeyPart } from "./demo-api-key";
import { demoShopPart } from "./demo-shop";
import type { DemoPart } from "./environment";

/**
 * The demo environment's parts, in the order they are built (each module adds itself here).
 * Removed in reverse order.
 */
export const DEMO_PARTS: DemoPart[] = [allowlistDemoPart, demoApiKeyPart, demoShopPart, demoWebPart];
