namespace Grassroots.Web.Features.Accounts;

/// <summary>Every action a staff member may be allowed to take. The one table of who may do what is <see cref="PermissionTable"/>.</summary>
public enum Permission
{
    ViewRegistry,
    ImportRegistry,
    ExportRegistry,
    ManageAccounts,
    ManageApiKeys,
    ViewAudit,
    VerifyAudit,
    RevealPersonalData,
    ExportPersonalData,
    ViewCases,
    ReportCase,
    AcceptCase,
    RegisterCase,
    VoidCase,
    DispatchCase,
    HandleCase,
    ReturnCase,
    VerifyCase,
    CloseCase,
    ApproveExtension,
    ParkCase,
    SuperviseCase,
    RateCase,
    ViewKpis,
    PublishAssessment,
    ManageCalendar,
    UploadPhoto,
}

/// <summary>Who may do what: the permission table of docs/security.md, enforced from here and only here.</summary>
public static class PermissionTable
{
    private static readonly string[] Staff = Roles.All;
    private static readonly string[] CommandCentre = [Roles.Intake, Roles.ShiftLeader, Roles.Dispatcher];

    public static IReadOnlyList<string> RolesFor(Permission permission) => permission switch
    {
        Permission.ViewRegistry => Staff,
        Permission.ImportRegistry => [Roles.Administrator],
        Permission.ExportRegistry => [Roles.Administrator, Roles.Assessor],
        Permission.ManageAccounts => [Roles.Administrator],
        Permission.ManageApiKeys => [Roles.Administrator],
        Permission.ViewAudit => [Roles.Administrator, Roles.Assessor, Roles.Leader],
        Permission.VerifyAudit => [Roles.Administrator, Roles.Assessor],
        Permission.RevealPersonalData => [.. CommandCentre, Roles.HandlingUnit, Roles.GridWorker],
        Permission.ExportPersonalData => [Roles.Administrator],
        Permission.ViewCases => Staff,
        Permission.ReportCase => [Roles.GridWorker, Roles.Intake, Roles.Leader],
        Permission.AcceptCase => [Roles.Intake, Roles.ShiftLeader],
        Permission.RegisterCase => [Roles.ShiftLeader],
        Permission.VoidCase => [Roles.ShiftLeader],
        Permission.DispatchCase => [Roles.Dispatcher],
        Permission.HandleCase => [Roles.HandlingUnit],
        Permission.ReturnCase => [Roles.HandlingUnit],
        Permission.VerifyCase => [Roles.GridWorker],
        Permission.CloseCase => [Roles.ShiftLeader],
        Permission.ApproveExtension => [Roles.Dispatcher],
        Permission.ParkCase => [Roles.Dispatcher],
        Permission.SuperviseCase => [Roles.Leader, Roles.ShiftLeader],
        Permission.RateCase => [Roles.Intake],
        Permission.ViewKpis => [Roles.Administrator, .. CommandCentre, Roles.Assessor, Roles.Leader, Roles.Secretary],
        Permission.PublishAssessment => [Roles.Assessor],
        Permission.ManageCalendar => [Roles.Administrator],
        Permission.UploadPhoto => [Roles.GridWorker, Roles.Intake, Roles.Leader, Roles.HandlingUnit],
    };

    public static string Policy(Permission permission) => "permission:" + permission;
}

/// <summary>Endpoint metadata: the permission an endpoint requires.</summary>
public sealed record RequiresPermission(Permission Permission);

/// <summary>Endpoint metadata: open to anyone, residents included.</summary>
public sealed record PublicEndpoint;

public static class PermissionEndpointExtensions
{
    /// <summary>The endpoint requires a signed-in account holding one of the permission's roles.</summary>
    public static TBuilder Require<TBuilder>(this TBuilder builder, Permission permission)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequiresPermission(permission)).RequireAuthorization(PermissionTable.Policy(permission));

    /// <summary>The endpoint is open to anyone.</summary>
    public static TBuilder Public<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new PublicEndpoint()).AllowAnonymous();
}
