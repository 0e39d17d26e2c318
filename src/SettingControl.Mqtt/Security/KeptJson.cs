using System.Text.Json;
using SettingControl.Domain;

namespace SettingControl.Mqtt.Security;

/// <summary>
/// A kept document read and written as JSON, with the version last seen: <see cref="Save"/> refuses to overwrite what
/// another node wrote since, and <see cref="TryRefresh"/> says when it did. On one node it is a 0600 file
/// (<see cref="SecretFileDocument"/>) that only this process writes, so it is read once and never again.
/// </summary>
internal sealed class KeptJson<T>(IKeptDocument document, string name, JsonSerializerOptions json, Func<T> empty)
{
    private readonly bool _sharedWithOtherNodes = document is not SecretFileDocument;
    private long _version;

    public T Load()
    {
        var kept = document.Read();
        _version = kept.Version;
        return Parse(kept.Text);
    }

    /// <summary>The document as another node left it, when it changed since it was last read or written here.</summary>
    public bool TryRefresh(out T value)
    {
        value = default!;
        if (!_sharedWithOtherNodes)
        {
            return false;
        }

        var kept = document.Read();
        if (kept.Version == _version)
        {
            return false;
        }

        // Parsed before the version moves: a document this node cannot read must not count as seen, or the next
        // save would overwrite it.
        value = Parse(kept.Text);
        _version = kept.Version;
        return true;
    }

    /// <exception cref="KeptDocumentConflictException">Another node wrote the document since it was last read here.</exception>
    public void Save(T value)
    {
        _version = document.TryWrite(JsonSerializer.Serialize(value, json), _version) ?? throw new KeptDocumentConflictException(name);
    }

    private T Parse(string? text) =>
        text is null ? empty() : JsonSerializer.Deserialize<T>(text, json) ?? throw new InvalidDataException($"{name} is empty.");
}

/// <summary>A kept document as a file only the host's user can read, written whole (a single node's data directory).</summary>
public sealed class SecretFileDocument(string path) : IKeptDocument
{
    public string Path => path;

    public KeptText Read() => new(File.Exists(path) ? File.ReadAllText(path) : null, 0);

    public long? TryWrite(string text, long expectedVersion)
    {
        SecretFiles.WriteAllText(path, text);
        return 0;
    }
}
