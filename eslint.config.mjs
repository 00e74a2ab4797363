import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

const config = [
  ...nextVitals,
  ...nextTs,
  {
    ignores: [".next/**", "node_modules/**", "lib/generated/**", "infra/**", ".data/**", "playwright-report/**", "test-results/**", "next-env.d.ts"],
  },
  {
    rules: {
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "no-restricted-syntax": [
        "error",
        { selector: "MemberExpression[object.name='process'][property.name='env']", message: "Read configuration through lib/env.ts." },
      ],
    },
  },
  {
    files: ["lib/env.ts", "scripts/**", "bench/**", "e2e/**", "*.config.*", "**/*.test.ts", "vitest.setup.ts"],
    rules: { "no-restricted-syntax": "off" },
  },
  // The AWS SDK only in lib/aws and the adapters (lib/<domain>/collect), which reshape its types into ours; tests and their fakes may use it.
  {
    files: ["**/*.ts", "**/*.tsx"],
    ignores: ["lib/aws/**", "lib/*/collect/**", "lib/testing/**", "**/*.test.ts", "bench/**", "e2e/**"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        { patterns: [{ group: ["@aws-sdk/*"], message: "Call AWS through the domain's adapter (lib/<domain>/collect) or lib/aws; SDK types stay there." }] },
      ],
    },
  },
];

export default config;
