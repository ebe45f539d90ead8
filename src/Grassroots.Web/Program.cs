using System.Globalization;
using System.Text.Encodings.Web;
using Grassroots.Web.Cli;
using Grassroots.Web.Data;
using Grassroots.Web.Features.Accounts;
using Grassroots.Web.Features.Audit;
using Grassroots.Web.Features.Calendar;
using Grassroots.Web.Features.Cases;
using Grassroots.Web.Features.Categories;
using Grassroots.Web.Features.Common;
using Grassroots.Web.Features.Demo;
using Grassroots.Web.Features.Import;
using Grassroots.Web.Features.Kpis;
using Grassroots.Web.Features.Open311;
using Grassroots.Web.Features.Photos;
using Grassroots.Web.Features.Registry;
using Grassroots.Web.Features.Residents;
using Grassroots.Web.Features.Units;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(CommandLine.ConfigurationArgs(args));

builder.Services.AddGrassrootsDatabase(builder.Configuration, builder.Environment);
builder.Services.Configure<DemoOptions>(builder.Configuration.GetSection("Demo"));
builder.Services.AddScoped<DemoSeeder>();
builder.Services.AddSingleton<RegistryCache>();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddAudit();
builder.Services.AddAccounts(builder.Configuration);
builder.Services.AddScoped<CreateAccount>();
builder.Services.AddImport();
builder.Services.AddCalendar(builder.Configuration);
builder.Services.Configure<WriteQueueOptions>(builder.Configuration.GetSection("WriteQueue"));
builder.Services.AddSingleton<FileFlush>();
builder.Services.AddSingleton<WriteQueue>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<WriteQueue>());
builder.Services.AddCases(builder.Configuration);
builder.Services.AddKpis(builder.Configuration);
builder.Services.AddCategories();
builder.Services.AddPhotos(builder.Configuration);
builder.Services.AddResidents();
builder.Services.AddOpen311(builder.Configuration);
builder.WebHost.ConfigureKestrel((context, kestrel) =>
    kestrel.Limits.MaxRequestBodySize = context.Configuration.GetSection("Security").Get<SecurityOptions>()?.MaxRequestBodyBytes ?? new SecurityOptions().MaxRequestBodyBytes);
builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = Problems.Customize);
builder.Services.AddOpenApi();
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping);
builder.Services.AddRequestLocalization(o =>
{
    CultureInfo[] cultures = [new("zh-CN"), new("en-US")];
    o.SetDefaultCulture("zh-CN");
    o.SupportedCultures = cultures;
    o.SupportedUICultures = cultures;
    o.FallBackToParentUICultures = true;
    o.FallBackToParentCultures = true;
});

var app = builder.Build();

if (CommandLine.VerbOf(args) is { } verb)
{
    return await CommandLine.RunAsync(app.Services, verb, args);
}

// Localisation first, so that problems written on the way out speak the request's language too.
app.UseRequestLocalization();
app.UseExceptionHandler();
app.UseStatusCodePages();

app.UseSecurityHeaders();
if (!app.Environment.IsDevelopment())
{
    app.UseHsts();
}

app.UseRequestSizeLimits();
app.UseDefaultFiles();
app.UseStaticFiles();
app.UseAuthentication();
app.UseAuthorization();
app.UseCookieAntiforgery();
app.UseRateLimiter();

app.MapOpenApi().Public();
app.MapScalarApiReference("/api-docs", o => o.WithTitle("Grassroots 基层治理 API").DisableDefaultFonts()).Public();
app.MapHealthApi();
app.MapAuthApi();
app.MapAdminApi();
app.MapRegistryApi();
app.MapPeopleApi();
app.MapCasesApi();
app.MapKpiApi();
app.MapImportApi();
app.MapAuditApi();
app.MapCalendarApi();
app.MapUnitApi();
app.MapCategoryApi();
app.MapPhotoApi();
app.MapResidentsApi();
app.MapOpen311Api();

await DatabaseStartup.PrepareAsync(app.Services);
await app.RunAsync();
return 0;

public partial class Program;
