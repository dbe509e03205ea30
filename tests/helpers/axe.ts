/**
 * Accessibility checks for browser tests: runs axe-core in a page and fails on serious or
 * critical violations.
 *
 * @module
 */
import axe from "axe-core";
import type { Page } from "playwright-core";

/** Impacts a test fails on; "minor" and "moderate" findings are printed by nobody. */
const FAILING = new Set(["serious", "critical"]);

/** One failing axe rule with the elements it found, as printed in a failure. */
export interface AxeFinding {
  rule: string;
  impact: string;
  help: string;
  targets: string[];
}

/**
 * Runs axe-core on the page as it is now (open dialogs included) and throws, listing them,
 * when it finds any serious or critical violation.
 *
 * axe is put into the page with `page.evaluate`, which runs through the devtools protocol:
 * the page's CSP (`script-src 'self'`) does not apply to it, so the CSP stays as it is and a
 * violation would still be reported.
 *
 * @param page The page to check.
 * @param where Names the page and its state in the failure message.
 * @throws {Error} Listing every serious or critical rule and its elements.
 */
export async function assertAccessible(page: Page, where: string): Promise<void> {
  const loaded = await page.evaluate(() => "axe" in globalThis);
  if (!loaded) await page.evaluate(axe.source);
  const findings = await page.evaluate(async () => {
    const run = (globalThis as unknown as { axe: typeof axe }).axe.run;
    const result = await run(document, { resultTypes: ["violations"] });
    return result.violations.map((violation) => ({
      rule: violation.id,
      impact: violation.impact ?? "",
      help: violation.help,
      targets: violation.nodes.map((node) =>
        `${node.target.join(" ")} — ${node.failureSummary?.replaceAll("\n", " ") ?? ""}`
      ),
    }));
  });
  const failing: AxeFinding[] = findings.filter((finding) => FAILING.has(finding.impact));
  if (failing.length === 0) return;
  const report = failing.map((finding) =>
    `  ${finding.impact} ${finding.rule}: ${finding.help}\n` +
    finding.targets.map((target) => `    ${target}`).join("\n")
  ).join("\n");
  throw new Error(`axe: ${failing.length} serious or critical rule(s) on ${where}\n${report}`);
}
