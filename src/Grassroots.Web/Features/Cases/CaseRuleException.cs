namespace Grassroots.Web.Features.Cases;

/// <summary>A workflow rule refused an action; the API answers 409 with both texts.</summary>
public sealed class CaseRuleException(string code, string zh, string en) : Exception(en)
{
    public string Code { get; } = code;
    public string Chinese { get; } = zh;
    public string English { get; } = en;
}
