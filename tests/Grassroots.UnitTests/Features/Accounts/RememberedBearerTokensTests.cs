using System.Security.Claims;
using Grassroots.Web.Features.Accounts;
using Microsoft.AspNetCore.Authentication;

namespace Grassroots.UnitTests.Features.Accounts;

public class RememberedBearerTokensTests
{
    private static readonly DateTimeOffset Expires = new(2026, 11, 28, 6, 0, 0, TimeSpan.Zero);

    /// <summary>Reads "token-N" as a ticket for user N; anything else does not read. Counts its calls.</summary>
    private sealed class CountingFormat : ISecureDataFormat<AuthenticationTicket>
    {
        public int Reads { get; private set; }

        public string Protect(AuthenticationTicket data) => "token-" + data.Principal.Identity!.Name;

        public string Protect(AuthenticationTicket data, string? purpose) => Protect(data);

        public AuthenticationTicket? Unprotect(string? protectedText) => Unprotect(protectedText, null);

        public AuthenticationTicket? Unprotect(string? protectedText, string? purpose)
        {
            Reads++;
            if (protectedText is null || !protectedText.StartsWith("token-", StringComparison.Ordinal))
            {
                return null;
            }

            var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, protectedText[6..]), new Claim("scope", "/320200000000/")], "Bearer");
            return new AuthenticationTicket(new ClaimsPrincipal(identity), new AuthenticationProperties { ExpiresUtc = Expires }, "Bearer");
        }
    }

    [Fact]
    public void AToken_IsReadOnce_AndEachRequestGetsItsOwnCopy()
    {
        var inner = new CountingFormat();
        using var remembered = new RememberedBearerTokens(inner);

        var first = remembered.Unprotect("token-7");
        var second = remembered.Unprotect("token-7");

        Assert.Equal(1, inner.Reads);
        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.NotSame(first, second);
        Assert.NotSame(first.Principal, second.Principal);
        Assert.Equal("7", second.Principal.Identity!.Name);
        Assert.Equal(Expires, second.Properties.ExpiresUtc);
        Assert.Equal("Bearer", second.AuthenticationScheme);
    }

    [Fact]
    public void WhatOneRequestAddsToItsTicket_IsNotInTheNext()
    {
        using var remembered = new RememberedBearerTokens(new CountingFormat());
        var first = remembered.Unprotect("token-7")!;
        ((ClaimsIdentity)first.Principal.Identity!).AddClaim(new Claim(ClaimTypes.Role, "Administrator"));
        first.Properties.ExpiresUtc = Expires.AddYears(1);

        var next = remembered.Unprotect("token-7")!;

        Assert.False(next.Principal.IsInRole("Administrator"));
        Assert.Equal(Expires, next.Properties.ExpiresUtc);
    }

    [Fact]
    public void DifferentTokens_AreDifferentTickets()
    {
        var inner = new CountingFormat();
        using var remembered = new RememberedBearerTokens(inner);

        Assert.Equal("7", remembered.Unprotect("token-7")!.Principal.Identity!.Name);
        Assert.Equal("8", remembered.Unprotect("token-8")!.Principal.Identity!.Name);
        Assert.Equal("7", remembered.Unprotect("token-7")!.Principal.Identity!.Name);
        Assert.Equal(2, inner.Reads);
    }

    [Fact]
    public void ATokenThatDoesNotRead_IsRefusedEveryTime_AndNotKept()
    {
        var inner = new CountingFormat();
        using var remembered = new RememberedBearerTokens(inner);

        Assert.Null(remembered.Unprotect("forged"));
        Assert.Null(remembered.Unprotect("forged"));
        Assert.Null(remembered.Unprotect(null));
        Assert.Equal(3, inner.Reads);
    }

    [Fact]
    public void AReadForAnotherPurpose_GoesToTheProtectorEachTime()
    {
        var inner = new CountingFormat();
        using var remembered = new RememberedBearerTokens(inner);

        Assert.NotNull(remembered.Unprotect("token-7", "other"));
        Assert.NotNull(remembered.Unprotect("token-7", "other"));
        Assert.Equal(2, inner.Reads);
        Assert.Equal("token-7", remembered.Protect(remembered.Unprotect("token-7")!));
    }
}
