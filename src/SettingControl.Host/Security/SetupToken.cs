using System.Security.Cryptography;
using System.Text;

namespace SettingControl.Host.Security;

/// <summary>
/// The one-time token that lets the first admin be created from the page. It exists only while the
/// facility has no admin, is printed to the console at start, and is spent by its first successful use.
/// </summary>
public sealed class SetupToken
{
    private readonly Lock _gate = new();
    private string? _token;

    public string? Current
    {
        get
        {
            lock (_gate)
            {
                return _token;
            }
        }
    }

    public string Issue()
    {
        lock (_gate)
        {
            return _token ??= Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        }
    }

    public bool Matches(string? candidate)
    {
        lock (_gate)
        {
            return _token is not null && candidate is not null &&
                   CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(_token), Encoding.UTF8.GetBytes(candidate));
        }
    }

    public void Spend()
    {
        lock (_gate)
        {
            _token = null;
        }
    }
}
