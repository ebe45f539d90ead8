using Grassroots.Data;
using Grassroots.Web.Data;
using Grassroots.Web.Features.Accounts;
using Grassroots.Web.Features.Common;
using Grassroots.Web.Features.Import;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.Web.Features.Categories;

public sealed record DeadlineDto(string Urgency, string Area, int DispatchMinutes, int HandlingLimit, string HandlingUnit, string Handling, int CheckMinutes);

public sealed record CategoryDto(
    string Code, string Type, string TypeLabel, string StandardCode, string? AltCode, string Name, string? NameEn, string? ParentCode,
    string? Department, string? UnitKind, bool UrgentAllowed, bool Active, List<DeadlineDto>? Deadlines, List<CategoryDto>? Children);

public sealed record DictionaryImportResponse(int Categories, int Deadlines, int Inserted, int Updated, int Deactivated);

public static class CategoryEndpoints
{
    public static IServiceCollection AddCategories(this IServiceCollection services) => services.AddScoped<LoadDictionary>().AddSingleton<DeadlineCache>();

    public static IEndpointRouteBuilder MapCategoryApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/categories").WithTags("Categories");
        api.MapGet("/", ListCategories).Public().RequireRateLimiting(AccountsSetup.PublicLimit)
            .WithSummary("The category dictionary as a tree: 部件 and 事件, 大类 with their active 小类, each with its default unit and deadlines (open to residents).");
        api.MapGet("/{code}", GetCategory).Public().RequireRateLimiting(AccountsSetup.PublicLimit)
            .WithSummary("One category by its key (B0101, S0101): a 大类 with its 小类, or a 小类 with its deadlines.");
        api.MapGet("/export", Export).Require(Permission.ExportRegistry)
            .WithSummary("The dictionary as the CSV file the import reads.")
            .Produces(StatusCodes.Status200OK, contentType: ImportFormats.CsvType);
        api.MapPost("/import", Import).Require(Permission.ImportRegistry).AddEndpointFilter<CityWideOnly>()
            .WithSummary("Loads a category dictionary (CSV or XLSX), all or nothing.")
            .WithDescription("Send the file as the body (text/csv or the XLSX type) or as multipart/form-data in a field named file. A bad file changes nothing: the answer is 422 with every problem.")
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .DisableAntiforgery()
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(Upload.MaxBytes));
        return app;
    }

    private static async Task<Ok<List<CategoryDto>>> ListCategories(AppDbContext db, string? type, CancellationToken ct)
    {
        var categories = await db.Categories.AsNoTracking().Where(c => c.Active).ToListAsync(ct);
        if (CategoryTypes.TryParse(type, out var t))
        {
            categories = [.. categories.Where(c => c.Type == t)];
        }

        var deadlines = (await db.Deadlines.AsNoTracking().ToListAsync(ct)).ToLookup(r => r.CategoryCode, StringComparer.Ordinal);
        var children = categories.Where(c => c.IsSubcategory).ToLookup(c => c.ParentCode!, StringComparer.Ordinal);
        var tree = Ordered(categories.Where(c => !c.IsSubcategory))
            .Select(c => ToDto(c, null, [.. Ordered(children[c.Code]).Select(s => ToDto(s, deadlines[s.Code], null))]))
            .ToList();
        return TypedResults.Ok(tree);
    }

    private static async Task<Results<Ok<CategoryDto>, ProblemHttpResult>> GetCategory(AppDbContext db, string code, CancellationToken ct)
    {
        var category = await db.Categories.AsNoTracking().FirstOrDefaultAsync(c => c.Code == code, ct);
        if (category is null)
        {
            return Problems.NotFound(
                $"没有编码为 {code} 的案件分类（部件以 B、事件以 S 开头，如 B0101、S0101）。",
                $"No case category has the code {code} (components start with B, events with S: B0101, S0101).");
        }

        if (category.IsSubcategory)
        {
            var rules = await db.Deadlines.AsNoTracking().Where(r => r.CategoryCode == code).ToListAsync(ct);
            return TypedResults.Ok(ToDto(category, rules, null));
        }

        var children = await db.Categories.AsNoTracking().Where(c => c.ParentCode == code && c.Active).ToListAsync(ct);
        var childCodes = children.Select(c => c.Code).ToList();
        var deadlines = (await db.Deadlines.AsNoTracking().Where(r => childCodes.Contains(r.CategoryCode)).ToListAsync(ct)).ToLookup(r => r.CategoryCode, StringComparer.Ordinal);
        return TypedResults.Ok(ToDto(category, null, [.. Ordered(children).Select(s => ToDto(s, deadlines[s.Code], null))]));
    }

    private static async Task<FileContentHttpResult> Export(AppDbContext db, CancellationToken ct)
    {
        var categories = await db.Categories.AsNoTracking().Where(c => c.Active).ToListAsync(ct);
        var deadlines = await db.Deadlines.AsNoTracking().ToListAsync(ct);
        return TypedResults.File(CategoryFile.Write(categories, deadlines), ImportFormats.CsvType + "; charset=utf-8", "category-dictionary.csv");
    }

    private static async Task<Results<Ok<DictionaryImportResponse>, ProblemHttpResult>> Import(HttpRequest request, LoadDictionary load, CancellationToken ct)
    {
        var (upload, problem) = await Upload.ReadAsync(request, ct);
        if (problem is not null)
        {
            return problem;
        }

        var format = upload!.Format ?? FileFormat.Csv;
        var content = upload.Content;
        if (format == FileFormat.GeoJson)
        {
            return Problems.Of(StatusCodes.Status415UnsupportedMediaType, "unsupported-format", "不支持的文件格式", "Unsupported file format",
                "分类字典应为 CSV 或 XLSX 文件。", "The category dictionary is read from CSV or XLSX.");
        }

        var (counts, problems) = await load.ImportAsync(content, format, ct);
        if (counts is null)
        {
            return Problems.Of(
                StatusCodes.Status422UnprocessableEntity,
                "import-invalid",
                "导入文件有误",
                "The file cannot be imported",
                $"分类字典中有 {problems.Count} 个问题，未写入任何数据。请改正后重新导入。",
                $"The dictionary has {problems.Count} problem(s); nothing was written. Correct them and import it again.",
                problems.Select(p => p.ToItem()));
        }

        return TypedResults.Ok(new DictionaryImportResponse(counts.Categories, counts.Deadlines, counts.Inserted, counts.Updated, counts.Deactivated));
    }

    private static IEnumerable<CaseCategory> Ordered(IEnumerable<CaseCategory> categories) =>
        categories.OrderBy(c => c.Type).ThenBy(c => c.SortOrder).ThenBy(c => c.Code, StringComparer.Ordinal);

    private static CategoryDto ToDto(CaseCategory c, IEnumerable<DeadlineRule>? deadlines, List<CategoryDto>? children) => new(
        c.Code, c.Type.ToString(), c.Type.Label(), c.StandardCode, c.AltCode, c.Name, c.NameEn, c.ParentCode,
        c.Department, c.UnitKind?.ToString(), c.UrgentAllowed, c.Active,
        deadlines?.OrderBy(r => r.Urgency).ThenBy(r => r.Area).Select(r => new DeadlineDto(
            r.Urgency.ToString(), r.Area.ToString(), r.DispatchMinutes, r.HandlingLimit, r.HandlingUnit.ToString(), r.ToProfile().HandlingText, r.CheckMinutes)).ToList(),
        children);
}
