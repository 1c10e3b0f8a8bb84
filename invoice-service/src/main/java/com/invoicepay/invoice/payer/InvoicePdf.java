package com.invoicepay.invoice.payer;

import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The invoice as a one-page PDF, drawn by PDFBox from the same {@link PayerView} as the payer page. */
public final class InvoicePdf {
    private InvoicePdf() {
    }

    public static byte[] render(PayerView view) {
        try (PDDocument document = new PDDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            document.getDocumentInformation().setTitle("Invoice " + safe(view.invoiceNumber()));
            PDPage page = new PDPage(PDRectangle.A4);
            document.addPage(page);
            PDType1Font bold = new PDType1Font(Standard14Fonts.FontName.HELVETICA_BOLD);
            PDType1Font regular = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
            try (PDPageContentStream text = new PDPageContentStream(document, page)) {
                text.beginText();
                text.newLineAtOffset(56, 780);
                text.setFont(bold, 18);
                text.showText(safe(view.issuerName()));
                text.setFont(regular, 11);
                text.setLeading(16);
                text.newLine();
                text.newLine();
                for (String line : lines(view)) {
                    text.showText(safe(line));
                    text.newLine();
                }
                text.endText();
            }
            document.save(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> lines(PayerView v) {
        List<String> lines = new ArrayList<>();
        lines.add("Invoice " + v.invoiceNumber());
        if (v.consumerName() != null) {
            lines.add("To: " + v.consumerName());
        }
        lines.add("Due date: " + v.dueDate());
        lines.add("Status: " + v.status());
        if (v.paymentReference() != null) {
            lines.add("Payment reference: " + v.paymentReference());
        }
        lines.add("");
        for (PayerView.Line line : v.lines()) {
            lines.add(line.text() + (line.quantity().isEmpty() ? "" : "  x " + line.quantity()) + "   " + line.amount() + " " + v.currency());
        }
        lines.add("");
        if (v.vatAmount() != null) {
            lines.add("VAT: " + v.vatAmount() + " " + v.currency());
        }
        lines.add("Total: " + v.amount() + " " + v.currency());
        if (v.comment() != null) {
            lines.add("");
            lines.add(v.comment());
        }
        return lines;
    }

    /** The standard fonts encode WinAnsi (Danish and Finnish letters included); anything else becomes '?'. */
    private static String safe(String value) {
        if (value == null) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        java.nio.charset.CharsetEncoder winAnsi = java.nio.charset.Charset.forName("windows-1252").newEncoder();
        value.codePoints().forEach(cp -> {
            String ch = new String(Character.toChars(cp));
            out.append(cp >= 0x20 && winAnsi.canEncode(ch) ? ch : "?");
        });
        return out.toString();
    }
}
