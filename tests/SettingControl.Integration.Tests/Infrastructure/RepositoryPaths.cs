namespace SettingControl.Integration.Tests.Infrastructure;

/// <summary>Where the repository is, found from the test binaries upwards (the folder holding SettingControl.sln).</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "SettingControl.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("SettingControl.sln not found above the test binaries.");
    }
}
