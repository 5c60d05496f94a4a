/**
 * `npm run audit:public-key`: prints the public half of this installation's audit signing key
 * (and of the earlier keys it trusts), the key anyone can verify an audit export with.
 */
import { signerForCli } from "../server/audit/cli-keys";

const signer = signerForCli();
if (!signer) {
  process.stderr.write(
    "No audit signing key: set AUDIT_SIGNING_KEY, or start Keel once so that a local one is generated.\n",
  );
  process.exit(1);
}
for (const key of signer.keys.values()) {
  process.stdout.write(
    `${key.base64}  key id ${key.keyId}${key.keyId === signer.current.keyId ? "  (signing now)" : "  (earlier key)"}\n`,
  );
}
