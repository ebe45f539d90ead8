using Grassroots.Data;
using Grassroots.Web.Data;
using Grassroots.Web.Features.Accounts;
using Grassroots.Web.Features.Audit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.Web.Features.Registry;

public sealed record PersonDto(string Code, string Name, string Role, string RoleLabel, string? Phone, string? OrgCode, string? RegionCode, IReadOnlyList<string> Grids, DateOnly? TenureStart, int TrainingHours, bool IsReserve);

public sealed record ContactDto(string Code, string Name, string? Phone);

public sealed record PersonalDataDto(PersonDto Person, IReadOnlyList<OrgRefDto> Leads, IReadOnlyList<AuditEntryDto> Records);

/// <summary>
/// People of the registry. Phone numbers are masked in every answer; the full number is given only to
/// the roles that need to call, one person at a time, and each reveal is recorded.
/// </summary>
public static class PeopleEndpoints
{
    public static IEndpointRouteBuilder MapPeopleApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/people").WithTags("Registry");
        api.MapGet("/{code}", Get).Require(Permission.ViewRegistry).WithSummary("A secretary, grid worker or staff member; the phone number masked.");
        api.MapGet("/{code}/contact", Contact).Require(Permission.RevealPersonalData).WithSummary("The full phone number, for the roles that must call; each reveal is recorded.");
        api.MapGet("/{code}/personal-data", Export).Require(Permission.ExportPersonalData).WithSummary("Everything held about a person, on their request (PIPL); the export is recorded.");
        return app;
    }

    private static PersonDto ToDto(Person p, bool masked = true) => new(
        p.Code, p.Name, p.Role.ToString(), p.Role.Label(), masked ? RegistryMapping.MaskPhone(p.Phone) : p.Phone, p.OrgCode, p.RegionCode,
        (p.GridCodes ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries), p.TenureStart, p.TrainingHours, p.IsReserve);

    private static async Task<Results<Ok<PersonDto>, ProblemHttpResult>> Get(string code, AppDbContext db, CancellationToken ct) =>
        await db.People.AsNoTracking().FirstOrDefaultAsync(p => p.Code == code, ct) is { } person
            ? TypedResults.Ok(ToDto(person))
            : NotFound(code);

    private static async Task<Results<Ok<ContactDto>, ProblemHttpResult>> Contact(string code, AppDbContext db, AuditTrail audit, CancellationToken ct)
    {
        var person = await db.People.AsNoTracking().FirstOrDefaultAsync(p => p.Code == code, ct);
        if (person is null)
        {
            return NotFound(code);
        }

        audit.Record("personal-data.reveal", "person:" + code, new { code, field = "phone" }, $"phone of {code} revealed");
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(new ContactDto(person.Code, person.Name, person.Phone));
    }

    private static async Task<Results<Ok<PersonalDataDto>, ProblemHttpResult>> Export(string code, AppDbContext db, AuditTrail audit, CancellationToken ct)
    {
        var person = await db.People.AsNoTracking().FirstOrDefaultAsync(p => p.Code == code, ct);
        if (person is null)
        {
            return NotFound(code);
        }

        var leads = await db.Orgs.AsNoTracking().Where(o => o.SecretaryCode == code)
            .Select(o => new OrgRefDto(o.Code, o.Name, o.Kind.ToString())).ToListAsync(ct);
        var target = "person:" + code;
        var records = await db.Set<AuditEntry>().AsNoTracking().Where(e => e.Target == target).OrderBy(e => e.Seq)
            .Select(e => new AuditEntryDto(e.Seq, e.At, e.Actor, e.Roles, e.Operation, e.Target, e.Summary, e.Digest, e.Hash)).ToListAsync(ct);
        audit.Record("personal-data.export", target, new { code }, $"personal data of {code} exported on request");
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(new PersonalDataDto(ToDto(person, masked: false), leads, records));
    }

    private static ProblemHttpResult NotFound(string code) =>
        Common.Problems.NotFound($"没有编码为 {code} 的人员。", $"No person has the code {code}.");
}
