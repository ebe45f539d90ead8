using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Grassroots.Web.Features.Accounts;

/// <summary>
/// Bearer tokens read once and remembered for a few minutes. A token is the signed-in account's ticket encrypted and
/// signed by ASP.NET Core's data protection, and reading it back (decrypt, check, deserialise the claims) was the
/// largest single cost of a request after the database's own: 3–5 % of the server's CPU under intake and list load.
/// A token's text never changes what it holds, so the ticket read from it is kept under that text; every request gets
/// its own copy, and the bearer handler still checks the copy's expiry each time. Tokens that do not read are not kept.
/// </summary>
public sealed class RememberedBearerTokens(ISecureDataFormat<AuthenticationTicket> inner) : ISecureDataFormat<AuthenticationTicket>, IDisposable
{
    /// <summary>How many tokens are kept: more than the staff signed in at once in a city; a token is 1–2 KB.</summary>
    public const int Capacity = 4096;

    /// <summary>How long a token is kept after it was read: a key revoked in the key ring is obeyed within this time.</summary>
    public static readonly TimeSpan KeptFor = TimeSpan.FromMinutes(5);

    private readonly MemoryCache tickets = new(new MemoryCacheOptions { SizeLimit = Capacity });

    public string Protect(AuthenticationTicket data) => inner.Protect(data);

    public string Protect(AuthenticationTicket data, string? purpose) => inner.Protect(data, purpose);

    public AuthenticationTicket? Unprotect(string? protectedText) => Unprotect(protectedText, null);

    public AuthenticationTicket? Unprotect(string? protectedText, string? purpose)
    {
        if (protectedText is null || purpose is not null)
        {
            return inner.Unprotect(protectedText, purpose);
        }

        if (tickets.TryGetValue(protectedText, out AuthenticationTicket? known) && known is not null)
        {
            return Copy(known);
        }

        var ticket = inner.Unprotect(protectedText);
        if (ticket is null)
        {
            return null;
        }

        tickets.Set(protectedText, ticket, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = KeptFor });
        return Copy(ticket);
    }

    public void Dispose() => tickets.Dispose();

    /// <summary>
    /// A request may add claims or properties to its ticket; the one kept stays as it was read. The identities are copied
    /// too (<see cref="AuthenticationTicket.Clone"/>): <c>ClaimsPrincipal.Clone</c> alone would share them.
    /// </summary>
    private static AuthenticationTicket Copy(AuthenticationTicket ticket) => ticket.Clone();

    /// <summary>Wraps the protector the bearer scheme was given, after ASP.NET Core has set it.</summary>
    internal sealed class Setup : IPostConfigureOptions<BearerTokenOptions>, IDisposable
    {
        private readonly List<RememberedBearerTokens> made = [];

        public void PostConfigure(string? name, BearerTokenOptions options)
        {
            if (options.BearerTokenProtector is not RememberedBearerTokens)
            {
                var remembered = new RememberedBearerTokens(options.BearerTokenProtector);
                made.Add(remembered);
                options.BearerTokenProtector = remembered;
            }
        }

        public void Dispose() => made.ForEach(r => r.Dispose());
    }
}
