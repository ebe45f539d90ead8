using Grassroots.Data;
using Grassroots.Web.Features.Common;
using Grassroots.Web.Features.Registry;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.Web.Features.Accounts;

/// <summary>
/// Some changes reach across the whole tree (an import may touch any region): only an account of the
/// city itself may make them; an account lower down is refused with 403.
/// </summary>
public sealed class CityWideOnly : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var scope = context.HttpContext.RequestServices.GetRequiredService<DataScope>();
        if (scope.RegionPath is { } path)
        {
            var db = context.HttpContext.RequestServices.GetRequiredService<AppDbContext>();
            var root = await db.Set<Region>().IgnoreQueryFilters().Where(r => r.ParentCode == null).Select(r => r.Path).ToListAsync(context.HttpContext.RequestAborted);
            if (!root.Contains(path))
            {
                return Problems.Of(StatusCodes.Status403Forbidden, "city-wide-only", "无权访问", "Forbidden",
                    "导入会涉及全市数据，只能由市级管理员执行。", "An import can touch the whole city: only a city-level administrator may run it.");
            }
        }

        return await next(context);
    }
}
