using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Npgsql;

namespace SettingControl.Host.Security;

/// <summary>
/// The sign-in cookie keys of a PostgreSQL cluster, in its database instead of one node's data directory: every node
/// reads the same keys, so a cookie issued by one node is accepted by all, and a key made by one is used by all.
/// </summary>
public sealed class ClusterSignInKeys(NpgsqlDataSource database) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var command = database.CreateCommand("SELECT xml FROM settingcontrol_sign_in_keys ORDER BY created_at, name");
        using var reader = command.ExecuteReader();
        var elements = new List<XElement>();
        while (reader.Read())
        {
            elements.Add(XElement.Parse(reader.GetString(0)));
        }

        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        // Two nodes may make a key at the same moment: both are kept (their names differ), as in a key directory.
        using var command = database.CreateCommand("INSERT INTO settingcontrol_sign_in_keys (name, xml) VALUES (@name, @xml) ON CONFLICT (name) DO NOTHING");
        command.Parameters.AddWithValue("name", friendlyName);
        command.Parameters.AddWithValue("xml", element.ToString(SaveOptions.DisableFormatting));
        command.ExecuteNonQuery();
    }
}
