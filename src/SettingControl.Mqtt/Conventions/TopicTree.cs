namespace SettingControl.Mqtt.Conventions;

/// <summary>How the conventions keep out of each other's topics.</summary>
public static class TopicTree
{
    /// <summary>Whether one topic tree contains the other: "a" and "a/b" overlap, "a" and "ab" do not.</summary>
    public static bool Overlaps(string a, string b) =>
        a == b || a.StartsWith(b + "/", StringComparison.Ordinal) || b.StartsWith(a + "/", StringComparison.Ordinal);
}
