using System.Reflection;
using System.Text.RegularExpressions;
using SettingControl.Domain.Sessions;

namespace SettingControl.Domain.Tests;

/// <summary>The record's event types are one set of words: the domain's constants, the API docs and the page agree.</summary>
public sealed partial class RoomEventTypesTests
{
    [Fact]
    public void The_list_of_all_types_holds_every_constant_once()
    {
        var constants = typeof(RoomEventTypes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .Select(f => (string)f.GetRawConstantValue()!)
            .Order()
            .ToList();

        Assert.Equal(constants, RoomEventTypes.All.Order().ToList());
        Assert.Equal(constants.Count, constants.Distinct().Count());
    }

    [Fact]
    public void The_API_docs_name_every_event_type_and_no_other()
    {
        var api = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "api.md"));
        var list = api[api.IndexOf("Types (one set of words", StringComparison.Ordinal)..];
        list = list[..list.IndexOf("Actors:", StringComparison.Ordinal)];
        var documented = BacktickedWord().Matches(list).Select(m => m.Groups[1].Value).Where(w => w != "RoomEventTypes").Order().ToList();

        Assert.Equal(RoomEventTypes.All.Order().ToList(), documented);
    }

    [Fact]
    public void The_dashboard_matches_records_by_the_same_words()
    {
        var module = File.ReadAllText(Path.Combine(RepositoryRoot(), "src", "SettingControl.Host", "wwwroot", "lib", "event-types.js"));
        var words = QuotedWord().Matches(module).Select(m => m.Groups[1].Value).Order().ToList();

        Assert.Equal(RoomEventTypes.All.Order().ToList(), words);
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SettingControl.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    [GeneratedRegex(": '([a-z][a-z-]*)',")]
    private static partial Regex QuotedWord();

    [GeneratedRegex("`([a-z][a-z-]*)`")]
    private static partial Regex BacktickedWord();
}
