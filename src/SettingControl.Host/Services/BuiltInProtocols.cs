using SettingControl.Domain.Sessions;

namespace SettingControl.Host.Services;

/// <summary>
/// Reads the built-in protocols from the <c>protocols/</c> folder beside the host. A broken file stops
/// the host at start with a message naming the file and the field, rather than a room failing mid-session.
/// </summary>
public sealed class BuiltInProtocols : IBuiltInProtocols
{
    public BuiltInProtocols(IHostEnvironment environment)
        : this(Path.Combine(environment.ContentRootPath, "protocols"))
    {
    }

    public BuiltInProtocols(string directory)
    {
        var protocols = new List<Protocol>();
        if (Directory.Exists(directory))
        {
            foreach (var file in Directory.EnumerateFiles(directory, "*.json").Order(StringComparer.Ordinal))
            {
                var (protocol, errors) = ProtocolFormat.Read(File.ReadAllText(file));
                if (protocol is null)
                {
                    throw new InvalidOperationException(
                        $"Built-in protocol file '{Path.GetFileName(file)}' is invalid: " + string.Join(" ", errors.Select(e => $"{e.Field}: {e.Message}")));
                }

                protocols.Add(protocol);
            }
        }

        All = protocols;
    }

    public IReadOnlyList<Protocol> All { get; }
}
