namespace SettingControl.Grains;

/// <summary>The grain storage provider every SettingControl grain persists to.</summary>
public static class StorageNames
{
    public const string Default = "settingcontrol";
}
