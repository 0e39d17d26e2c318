using SettingControl.Domain.Sessions;

namespace SettingControl.Domain.Tests;

/// <summary>The built-in protocol files as shipped in the repository.</summary>
public static class TestProtocols
{
    public static string Directory
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SettingControl.sln")))
            {
                dir = dir.Parent;
            }

            return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("repository root not found"), "src", "SettingControl.Host", "protocols");
        }
    }

    public static Protocol Load(string id)
    {
        foreach (var file in System.IO.Directory.EnumerateFiles(Directory, "*.json"))
        {
            var (protocol, errors) = ProtocolFormat.Read(File.ReadAllText(file));
            Assert.True(protocol is not null, $"{file}: {string.Join("; ", errors.Select(e => e.Field + " " + e.Message))}");
            if (protocol!.Id == id)
            {
                return protocol;
            }
        }

        throw new InvalidOperationException($"no built-in protocol {id}");
    }
}
