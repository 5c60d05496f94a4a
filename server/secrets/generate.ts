import { randomBytes, randomInt } from "node:crypto";
import type { SecretPolicy } from "@/db/schema";

const ALPHABETS: Record<SecretPolicy["alphabet"], string> = {
  base64url: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
  hex: "0123456789abcdef",
  alphanumeric: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
  printable: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%&()*+,-./:;<=>?@[]^_{|}~",
};

/** A random value per the secret's policy: each character drawn uniformly (no modulo bias). */
export function generateSecretValue(policy: SecretPolicy): string {
  const alphabet = ALPHABETS[policy.alphabet];
  let value = "";
  for (let i = 0; i < policy.length; i++) value += alphabet[randomInt(alphabet.length)];
  return value;
}

export function randomKey(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}
