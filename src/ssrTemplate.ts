// The HTML template of every page: Docusaurus's own
// (@docusaurus/core lib/ssg/ssgTemplate.html.js, v3.10) with one change, in
// how the page's scripts start.
//
// Docusaurus puts the entry scripts in <head> as `<script defer>`. A deferred
// script runs as soon as the document is parsed, and when it has arrived by
// then (a cached or fast connection) Chrome runs it before the first paint:
// the reader waits for React and the theme to evaluate (384 KB of script)
// before seeing any of the text that is already in the HTML. Lighthouse's
// LCP estimate follows: when the scripts ran before the first paint, it counts
// their download and evaluation into LCP (about 2.0-2.4 s on the guides
// instead of 1.2 s, run to run, as the race went).
//
// Here the scripts are fetched as before, at the same (low) priority, from
// `<link rel="preload" fetchpriority="low" data-start-script>` in <head>, and
// the last element of <body> starts them after the first frame is painted:
// requestAnimationFrame runs just before a paint, a timeout set there runs
// after it. They are inserted with `async = false`, so they run in document
// order, as deferred scripts do, with the `src` the <script> tags had. A page that gets no frame (a background tab)
// starts them after 1 s. The starter's text is constant, so the CSP allows it
// by hash (vercel.json, `npx tsx scripts/site/csp.mts --write`).
const START_SCRIPTS =
  '(function(){var d=document,started=false;function start(){if(started)return;started=true;' +
  'd.querySelectorAll("link[data-start-script]").forEach(function(l){' +
  'var s=d.createElement("script");s.src=l.getAttribute("href");s.async=false;d.head.appendChild(s)})}' +
  'requestAnimationFrame(function(){setTimeout(start,0)});setTimeout(start,1000)})()';

export const ssrTemplate = `
<!DOCTYPE html>
<html <%~ it.htmlAttributes %>>
  <head>
    <meta charset="UTF-8">
    <meta name="generator" content="Docusaurus v<%= it.version %>">
    <% it.metaAttributes.forEach((metaAttribute) => { %>
      <%~ metaAttribute %>
    <% }); %>
    <%~ it.headTags %>
    <% it.stylesheets.forEach((stylesheet) => { %>
      <link rel="stylesheet" href="<%= it.baseUrl %><%= stylesheet %>" />
    <% }); %>
    <% it.scripts.forEach((script) => { %>
      <link rel="preload" as="script" fetchpriority="low" href="<%= it.baseUrl %><%= script %>" data-start-script />
    <% }); %>
  </head>
  <body <%~ it.bodyAttributes %>>
    <%~ it.preBodyTags %>
    <div id="__docusaurus"><%~ it.appHtml %></div>
    <%~ it.postBodyTags %>
    <script>${START_SCRIPTS}</script>
  </body>
</html>
`;
