package com.invoicepay.certification.web;

import com.invoicepay.certification.catalog.CatalogStore;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The web page that walks the four steps. It is rendered here with the catalog's features and holds
 * no run and no secret: the integrator pastes the sandbox client's access token, and the page's own
 * script makes the REST API's calls with it, follows the run's server-sent events and approves. So the
 * page has exactly the API's rules and refusals, and nothing of its own to authorize.
 */
@Path("/certification")
@Tag(name = "Self-certification")
public class CertificationPage {
    private final CatalogStore catalogs;
    private final Template page;

    public CertificationPage(CatalogStore catalogs, @Location("certification.html") Template page) {
        this.catalogs = catalogs;
        this.page = page;
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    @Operation(summary = "The web page of the four steps: identification, selection, live certification, approval.")
    public String page() {
        return page.data("catalog", catalogs.catalog()).render();
    }
}
