using Grassroots.Data;
using Grassroots.Web.Data;
using Grassroots.Web.Features.Accounts;
using Grassroots.Web.Features.Registry;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Grassroots.Web.Features.Common;

public sealed record HealthDto(string Status, string Database, int Grids);

public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", Health).Public().WithTags("Platform").WithSummary("Whether the server and its database answer.");
        return app;
    }

    private static async Task<Results<Ok<HealthDto>, ProblemHttpResult>> Health(AppDbContext db, RegistryCache registry, IOptions<DatabaseOptions> options, CancellationToken ct)
    {
        var provider = options.Value.Provider.ToString();
        if (!await db.Database.CanConnectAsync(ct))
        {
            return Problems.Of(StatusCodes.Status503ServiceUnavailable, "database-unavailable", "服务暂不可用", "Service unavailable", "数据库无法连接。", "The database cannot be reached.");
        }

        return TypedResults.Ok(new HealthDto("ok", provider, registry.Current.Grids.Length));
    }
}
