import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

// Where data access and charts may live (issue 16, item 5). The typescript-eslint form of the rule, so that a
// `no-restricted-imports` block elsewhere in this file (e.g. the one for `@aws-sdk/*`) cannot silently replace
// these patterns for the same files: flat config keeps only the last options given for one rule, so each block
// below lists every group that applies to its files.
const CHART_FILES = ["components/ui/chart.tsx", "components/ui/chart/**"];
const NO_DATA_ACCESS = {
  group: ["@/lib/db", "@/lib/db/**", "**/lib/db", "**/lib/db/**", "@/lib/generated/**", "**/lib/generated/**", "@prisma/*", "pg", "pg/*"],
  message: "Pages, routes and components call a use case in lib/<domain>/server/, never the database (STYLE.md: Layout).",
};
const NO_RECHARTS = {
  group: ["recharts", "recharts/*"],
  message: "Charts go through the one wrapper, components/ui/chart.tsx (STYLE.md: Components and data).",
};
const NO_AWS_SDK = {
  group: ["@aws-sdk/*"],
  message: "Call AWS through the domain's adapter (lib/<domain>/collect) or lib/aws; SDK types stay there.",
};
// The AWS SDK only in lib/aws and the adapters (lib/<domain>/collect), which reshape its types into ours; tests, their fakes and benches may use it.
const AWS_FILES = ["lib/aws/**", "lib/*/collect/**", "lib/testing/**", "**/*.test.ts", "bench/**", "e2e/**"];
const restrictImports = (...patterns) => ({ "@typescript-eslint/no-restricted-imports": ["error", { patterns }] });

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
  // Import boundaries (later blocks win for the files they name): recharts only in the chart wrapper; the AWS SDK only in
  // lib/aws and the adapters; no database access from app/ and components/ (their tests may set up data).
  { files: ["**/*.{ts,tsx}"], rules: restrictImports(NO_RECHARTS, NO_AWS_SDK) },
  { files: AWS_FILES, rules: restrictImports(NO_RECHARTS) },
  { files: ["app/**/*.{ts,tsx}", "components/**/*.{ts,tsx}"], ignores: [...CHART_FILES, "**/*.test.ts"], rules: restrictImports(NO_DATA_ACCESS, NO_RECHARTS, NO_AWS_SDK) },
  { files: CHART_FILES, rules: restrictImports(NO_DATA_ACCESS, NO_AWS_SDK) },
];

export default config;
