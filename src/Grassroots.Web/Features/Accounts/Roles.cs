namespace Grassroots.Web.Features.Accounts;

/// <summary>The staff roles. A resident needs no account.</summary>
public static class Roles
{
    public const string Administrator = "Administrator";
    public const string Intake = "Intake";
    public const string ShiftLeader = "ShiftLeader";
    public const string Dispatcher = "Dispatcher";
    public const string HandlingUnit = "HandlingUnit";
    public const string GridWorker = "GridWorker";
    public const string Secretary = "Secretary";
    public const string Assessor = "Assessor";
    public const string Leader = "Leader";

    public static readonly string[] All = [Administrator, Intake, ShiftLeader, Dispatcher, HandlingUnit, GridWorker, Secretary, Assessor, Leader];

    public static string Label(string role) => role switch
    {
        Administrator => "管理员",
        Intake => "受理员",
        ShiftLeader => "值班长",
        Dispatcher => "派遣员",
        HandlingUnit => "处置单位",
        GridWorker => "网格员",
        Secretary => "书记",
        Assessor => "组织部",
        Leader => "领导",
        _ => role,
    };
}
