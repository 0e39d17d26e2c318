using System.Text.Json;
using Microsoft.Playwright;

namespace SettingControl.Integration.Tests.Infrastructure;

/// <summary>
/// axe-core (npm, pinned in this project's package.json; test.sh runs <c>npm ci</c>) run inside the real page: the
/// accessibility findings a reviewer with axe DevTools would see, as "impact rule: target" lines.
/// </summary>
public static class Axe
{
    private static readonly Lazy<string> Source = new(() =>
    {
        var path = Path.Combine(RepositoryPaths.Root, "tests", "SettingControl.Integration.Tests", "node_modules", "axe-core", "axe.min.js");
        return File.Exists(path)
            ? File.ReadAllText(path)
            : throw new InvalidOperationException($"{path} is missing: run ./test.sh, which runs npm ci in tests/SettingControl.Integration.Tests.");
    });

    /// <summary>Every violation on the page as it is now, one line per element: "serious color-contrast: .muted".</summary>
    /// <remarks>The page must come from a context made with <c>bypassCsp</c>: the page's own policy refuses injected scripts.</remarks>
    public static async Task<IReadOnlyList<Finding>> RunAsync(IPage page)
    {
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe === 'object'"))
        {
            await page.AddScriptTagAsync(new PageAddScriptTagOptions { Content = Source.Value });
        }

        var json = await page.EvaluateAsync<string>("""
            async () => {
              const result = await axe.run(document, { resultTypes: ['violations'] });
              return JSON.stringify(result.violations.flatMap((v) => v.nodes.map((n) => ({
                impact: n.impact ?? v.impact, rule: v.id, target: n.target.join(' '), summary: (n.failureSummary ?? '').split('\n').slice(0, 2).join(' ') }))));
            }
            """);
        return JsonSerializer.Deserialize<List<Finding>>(json, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
    }

    public sealed record Finding(string Impact, string Rule, string Target, string Summary)
    {
        public bool IsSeriousOrCritical => Impact is "serious" or "critical";

        public override string ToString() => $"{Impact} {Rule}: {Target} ({Summary})";
    }
}
