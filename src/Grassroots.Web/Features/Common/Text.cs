using System.Globalization;

namespace Grassroots.Web.Features.Common;

/// <summary>Chinese first, English second: picks the text for the request's culture.</summary>
public static class Text
{
    public static bool IsEnglish => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";

    public static string Pick(string zh, string en) => IsEnglish ? en : zh;
}
