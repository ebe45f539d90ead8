namespace Grassroots.Web.Features.Common;

/// <summary>Personal data as roles without the right to see it in full get it (PIPL: minimum necessary).</summary>
public static class Masking
{
    /// <summary>138****5678; a short number keeps nothing.</summary>
    public static string? Phone(string? phone) =>
        phone is { Length: >= 7 } ? string.Concat(phone.AsSpan(0, 3), "****", phone.AsSpan(phone.Length - 4)) : phone is null ? null : "****";

    /// <summary>王**, 张* — the first character only, one star for each other (at most three).</summary>
    public static string? Name(string? name) =>
        string.IsNullOrEmpty(name) ? name : string.Concat(name.AsSpan(0, 1), new string('*', Math.Clamp(name.Length - 1, 1, 3)));

    /// <summary>z***@example.com</summary>
    public static string? Email(string? email)
    {
        if (email is null)
        {
            return null;
        }

        var at = email.IndexOf('@', StringComparison.Ordinal);
        return at <= 0 ? "***" : string.Concat(email.AsSpan(0, 1), "***", email.AsSpan(at));
    }
}
