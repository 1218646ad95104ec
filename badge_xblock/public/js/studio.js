/*
 * The badge editor. It only gathers what the author typed: the server checks the author is
 * course staff, validates every field (the plugin API's messages come back per field) and
 * builds the earning rule, so nothing here is trusted.
 */
function BadgeXBlockStudio(runtime, element, init) {
  "use strict";
  var root = element && element.jquery ? element[0] : element;
  var text = window.BadgeXBlockText;
  var gettext = text.gettext;
  var interpolate = text.interpolate;
  var p = init.prefix;
  var form = root.querySelector('[data-role="form"]');
  var badges = {};
  var image = null;
  var imageUrl = null;
  var keepRule = !!root.querySelector('[data-role="advanced-rule"]');
  var conditions = [];
  var alignments = [];

  (init.badges || []).forEach(function (badge) { badges[badge.uuid] = badge; });

  // The rule kinds, each with its label and form fields, come from the plugin's registry of
  // kinds (openedx_plugin/rules): nothing here knows one kind from another.
  var KINDS = {};
  (init.kinds || []).forEach(function (kind) { KINDS[kind.kind] = kind; });
  var FIRST_KIND = ((init.kinds || []).filter(function (kind) { return kind.first; })[0] || (init.kinds || [])[0] ||
                    {}).kind;
  var BLOCK_TYPES = {
    problem: gettext("problem"), vertical: gettext("unit"), sequential: gettext("subsection"),
    chapter: gettext("section")
  };

  function $(role) {
    return root.querySelector('[data-role="' + role + '"]');
  }

  function field(name) {
    return root.querySelector("#" + p + "-" + name);
  }

  // A small element builder: el("input", {type: "text"}, [children]).
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === false || value === null || value === undefined) {
        return;
      }
      if (key === "text") {
        node.textContent = value;
      } else if (value === true) {
        node.setAttribute(key, "");
      } else {
        node.setAttribute(key, value);
      }
    });
    (children || []).forEach(function (child) {
      if (child) {
        node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
      }
    });
    return node;
  }

  function errorSlot(key) {
    return el("p", {"class": "openedx-badge-editor__error", id: p + "-" + key + "-error", "data-error-for": key,
                    hidden: true});
  }

  function labelled(key, label, input, help) {
    var described = (help ? p + "-" + key + "-help " : "") + p + "-" + key + "-error";
    input.setAttribute("id", p + "-" + key);
    input.setAttribute("aria-describedby", described);
    return el("div", {"class": "openedx-badge-editor__field"}, [
      el("label", {"for": p + "-" + key, text: label}), input,
      help ? el("p", {"class": "openedx-badge-editor__help", id: p + "-" + key + "-help", text: help}) : null,
      errorSlot(key)
    ]);
  }

  function checkboxGroup(key, legend, options, chosen, help) {
    var boxes = options.map(function (option, index) {
      var id = index === 0 ? p + "-" + key : p + "-" + key + "-" + index;
      return el("label", {"class": "openedx-badge-editor__check"}, [
        el("input", {type: "checkbox", id: id, value: option[0], checked: chosen.indexOf(option[0]) !== -1,
                     "data-group": key}),
        " " + option[1]
      ]);
    });
    if (!options.length) {
      boxes = [el("p", {"class": "openedx-badge-editor__help", text: gettext("Nothing to choose from yet.")})];
    }
    return el("fieldset", {"class": "openedx-badge-editor__checks", "aria-describedby": p + "-" + key + "-error"}, [
      el("legend", {text: legend}),
      help ? el("p", {"class": "openedx-badge-editor__help", text: help}) : null,
      el("div", {"class": "openedx-badge-editor__check-list"}, boxes),
      errorSlot(key)
    ]);
  }

  function checked(row, key) {
    return Array.prototype.slice.call(row.querySelectorAll('input[data-group="' + key + '"]:checked'))
      .map(function (box) { return box.value; });
  }

  // --- skills (alignments) -------------------------------------------------------------------

  // A row picked from a taxonomy keeps only the taxonomy and the tag (data-taxonomy-id, data-tag):
  // the server builds its code, framework and web address from the tag itself.
  function readAlignments() {
    alignments = Array.prototype.map.call($("alignments").children, function (row, index) {
      var value = function (name) {
        var input = field("alignments-" + index + "-" + name);
        return input ? input.value : "";  // a row from a taxonomy has no web address field
      };
      var read = {framework: value("framework"), code: value("code"), name: value("name"), url: value("url"),
                  type: value("type")};
      if (row.getAttribute("data-taxonomy-id")) {
        read.taxonomy_id = Number(row.getAttribute("data-taxonomy-id"));
        read.tag = row.getAttribute("data-tag");
      }
      return read;
    });
  }

  function targetTypeInput(value) {
    var listId = p + "-target-types";
    if (!document.getElementById(listId)) {
      root.appendChild(el("datalist", {id: listId}, (init.targetTypes || []).map(function (type) {
        return el("option", {value: type});
      })));
    }
    return el("input", {type: "text", value: value || "", name: "type", list: listId, maxlength: "64"});
  }

  function renderAlignments(focusIndex) {
    var box = $("alignments");
    box.innerHTML = "";
    alignments.forEach(function (row, index) {
      var key = "alignments-" + index;
      var title = interpolate(gettext("Skill {number}"), {number: index + 1});
      var fromTaxonomy = row.taxonomy_id !== undefined && row.taxonomy_id !== null && row.taxonomy_id !== "";
      var input = function (name, type, value) {
        return el("input", {type: type, value: value || "", name: name, dir: "auto", readonly: fromTaxonomy && name !== "type"});
      };
      box.appendChild(el("fieldset", {"class": "openedx-badge-editor__alignment",
                                      "data-taxonomy-id": fromTaxonomy ? String(row.taxonomy_id) : null,
                                      "data-tag": fromTaxonomy ? row.tag : null}, [
        el("legend", {text: title}),
        fromTaxonomy ? el("p", {"class": "openedx-badge-editor__from-taxonomy", dir: "auto",
                                text: interpolate(gettext("From the taxonomy {taxonomy}; its code and web address "
                                                          + "are filled in when you save."),
                                                  {taxonomy: row.framework})}) : null,
        el("div", {"class": "openedx-badge-editor__row"}, [
          labelled(key + "-name", gettext("Skill name"), input("name", "text", row.name)),
          fromTaxonomy ? null : labelled(key + "-url", gettext("Web address"), input("url", "url", row.url)),
          labelled(key + "-framework", gettext("Framework"), input("framework", "text", row.framework)),
          labelled(key + "-code", gettext("Code"), input("code", "text", row.code)),
          labelled(key + "-type", gettext("Target type"), targetTypeInput(row.type),
                   gettext("CFItem, ceasn:Competency, ceterms:Credential… or ext:YourType"))
        ]),
        el("button", {type: "button", "class": "openedx-badge__button openedx-badge__button--secondary",
                      "data-role": "remove-alignment", "data-index": String(index),
                      text: interpolate(gettext("Remove skill {number}"), {number: index + 1})})
      ]));
    });
    if (focusIndex !== undefined && field("alignments-" + focusIndex + "-name")) {
      field("alignments-" + focusIndex + "-name").focus();
    }
  }

  // --- skills from the organization's taxonomies (search, and those the rule's content carries) --

  var searchTimer = null;
  var searchSeq = 0;
  var found = [];

  function chosen(option) {
    return alignments.some(function (row) {
      return String(row.taxonomy_id) === String(option.taxonomy_id) && row.tag === option.value;
    });
  }

  function skillButton(option, role, index) {
    return el("button", {type: "button", "class": "openedx-badge-editor__skill-option", "data-role": role,
                         "data-index": String(index), dir: "auto"}, [
      option.value + " ", el("small", {text: "(" + option.taxonomy + (option.code && option.code !== option.value ?
        " · " + option.code : "") + ")"})
    ]);
  }

  function addSkill(option) {
    readAlignments();
    if (chosen(option)) {
      status(interpolate(gettext("{skill} is already among the badge's skills."), {skill: option.value}));
      return;
    }
    alignments.push({taxonomy_id: option.taxonomy_id, tag: option.value, name: option.value,
                     framework: option.taxonomy, code: option.code, url: "", type: ""});
    renderAlignments();
    renderProposals();
    status(interpolate(gettext("Skill {skill} added."), {skill: option.value}));
  }

  function searchSkills() {
    var term = $("skill-search").value.trim();
    var list = $("skill-results");
    var seq = ++searchSeq;
    if (!term) {
      list.innerHTML = "";
      found = [];
      return;
    }
    send("search_skills", {term: term}).then(function (result) {
      if (seq !== searchSeq) {
        return;  // an answer to an older search: the author has typed more since
      }
      list.innerHTML = "";
      found = (result.ok && result.data && result.data.skills) || [];
      if (!found.length) {
        list.appendChild(el("li", {"class": "openedx-badge-editor__help",
                                   text: result.ok ? gettext("No skill matches.") :
                                     ((result.data && result.data.error) || gettext("The search failed."))}));
        return;
      }
      found.forEach(function (option, index) {
        list.appendChild(el("li", {}, [skillButton(option, "pick-skill", index)]));
      });
    });
  }

  // The usage keys a condition names (score, units, …): fields whose options are the course's blocks.
  function namedBlocks() {
    var keys = [];
    conditions.forEach(function (condition) {
      kindFieldsOf(condition.kind).forEach(function (spec) {
        if (spec.options === "assessments" || spec.options === "units") {
          [].concat(condition[spec.name] || []).forEach(function (key) { keys.push(key); });
        }
      });
    });
    return keys;
  }

  var proposed = [];

  function renderProposals() {
    var box = $("skill-proposals");
    var list = $("skill-proposal-list");
    var seen = {};
    proposed = [];
    namedBlocks().forEach(function (key) {
      ((init.contentSkills || {})[key] || []).forEach(function (option) {
        if (!seen[option.key] && !chosen(option)) {
          seen[option.key] = true;
          proposed.push(option);
        }
      });
    });
    list.innerHTML = "";
    proposed.forEach(function (option, index) {
      list.appendChild(el("li", {}, [skillButton(option, "propose-skill", index)]));
    });
    box.hidden = !proposed.length;
  }

  // --- conditions ----------------------------------------------------------------------------

  function kindFieldsOf(kind) {
    return (KINDS[kind] && KINDS[kind].fields) || [];
  }

  function readConditions() {
    conditions = Array.prototype.map.call($("conditions").children, function (row, index) {
      var key = "rule-" + index + "-";
      var value = function (name) {
        var input = field("rule-" + index + "-" + name);
        return input ? input.value : "";
      };
      var kind = value("kind");
      var condition = {kind: kind};
      kindFieldsOf(kind).forEach(function (spec) {
        condition[spec.name] = spec.type === "checkboxes" ? checked(row, key + spec.name) : value(spec.name);
      });
      return condition;
    });
  }

  function number(min, max, value) {
    return el("input", {type: "number", min: min, max: max, step: "any", inputmode: "decimal", value: value || ""});
  }

  // Named lists a field's options may come from: what this course and the editor offer.
  function optionsOf(spec) {
    if (typeof spec.options !== "string") {
      return spec.options || [];
    }
    if (spec.options === "modes") {
      return init.modes.map(function (mode) { return [mode, mode]; });
    }
    if (spec.options === "assessments") {
      return init.assessments.map(function (block) {
        return [block.key, block.name + " (" + (BLOCK_TYPES[block.type] || block.type) +
          (block.graded ? ", " + gettext("graded") : "") + ")"];
      });
    }
    if (spec.options === "units") {
      return init.units.map(function (unit) { return [unit.key, unit.name]; });
    }
    if (spec.options === "skills") {
      return (init.skills || []).map(function (option) {
        return [option.key, option.value + " (" + option.taxonomy + ")"];
      });
    }
    if (spec.options === "badges") {
      var own = field("pick").value;
      return Object.keys(badges).filter(function (uuid) { return uuid !== own; }).map(function (uuid) {
        return [uuid, badges[uuid].name];
      });
    }
    return [];
  }

  function fieldFor(spec, condition, key) {
    var value = condition[spec.name];
    if (spec.type === "checkboxes") {
      return checkboxGroup(key + spec.name, spec.label, optionsOf(spec), value || [], spec.help);
    }
    var input;
    if (spec.type === "select") {
      var options = optionsOf(spec);
      var chosen = value === undefined || value === null || value === "" ?
        (spec.empty || !options.length ? "" : options[0][0]) : value;
      input = el("select", {}, (spec.empty ? [el("option", {value: "", text: spec.empty})] : []).concat(
        options.map(function (option) {
          return el("option", {value: option[0], selected: option[0] === chosen, text: option[1]});
        })));
    } else {
      input = number(spec.min === undefined ? null : spec.min, spec.max === undefined ? null : spec.max, value);
    }
    return labelled(key + spec.name, spec.label, input, spec.help);
  }

  function kindFields(condition, index) {
    var key = "rule-" + index + "-";
    var nodes = [];
    var row = null;
    kindFieldsOf(condition.kind).forEach(function (spec) {
      var node = fieldFor(spec, condition, key);
      if (row) {
        row.appendChild(node);
        row = null;
      } else if (spec.row) {
        row = el("div", {"class": "openedx-badge-editor__row"}, [node]);
        nodes.push(row);
      } else {
        nodes.push(node);
      }
    });
    return nodes;
  }

  function renderConditions(focus) {
    window.setTimeout(renderProposals, 0);
    var list = $("conditions");
    list.innerHTML = "";
    conditions.forEach(function (condition, index) {
      var key = "rule-" + index + "-";
      var kind = el("select", {"data-role": "kind", "data-index": String(index)}, (init.kinds || []).map(
        function (item) {
          return el("option", {value: item.kind, selected: item.kind === condition.kind, text: item.label});
        }));
      list.appendChild(el("li", {"class": "openedx-badge-editor__condition"}, [
        el("fieldset", {}, [
          el("legend", {text: interpolate(gettext("Condition {number}"), {number: index + 1})}),
          labelled(key + "kind", gettext("What the learner must do"), kind),
          el("div", {"class": "openedx-badge-editor__kind-fields"}, kindFields(condition, index)),
          el("button", {type: "button", "class": "openedx-badge__button openedx-badge__button--secondary",
                        "data-role": "remove-condition", "data-index": String(index),
                        text: interpolate(gettext("Remove condition {number}"), {number: index + 1})})
        ])
      ]));
    });
    if (focus !== undefined && field(focus)) {
      field(focus).focus();
    }
  }

  // --- the form as a whole -------------------------------------------------------------------

  function fill(badge) {
    var fields = badge ? badge.fields : {};
    ["name", "description", "criteria_narrative", "criteria_url", "level", "category",
     "validity_days"].forEach(function (name) {
      field(name).value = fields[name] === undefined || fields[name] === null ? "" : fields[name];
    });
    field("achievement_type").value = fields.achievement_type || "Badge";
    alignments = (fields.alignments || []).slice();
    renderAlignments();
    var advanced = $("advanced-rule");
    if (advanced) {
      advanced.hidden = true;
    }
    keepRule = !!(badge && badge.has_rule && !badge.rule);
    conditions = badge && badge.rule ? badge.rule.conditions.slice() : [];
    setCombine(badge && badge.rule ? badge.rule.combine : "all");
    renderConditions();
    var preview = $("image-preview");
    preview.hidden = !badge;
    preview.src = badge ? badge.image_url : "";
    image = null;
    field("image").value = "";
    clearErrors();
    if (keepRule) {
      status(gettext("This badge's rule was made outside this editor; it is kept unless you add conditions."));
    }
  }

  function setCombine(value) {
    Array.prototype.forEach.call(root.querySelectorAll('input[name="' + p + '-combine"]'), function (radio) {
      radio.checked = radio.value === value;
    });
  }

  function combine() {
    var chosen = root.querySelector('input[name="' + p + '-combine"]:checked');
    return chosen ? chosen.value : "all";
  }

  function payload() {
    readAlignments();
    readConditions();
    var fields = {};
    ["name", "description", "criteria_narrative", "criteria_url", "achievement_type", "level", "category",
     "validity_days"].forEach(function (name) { fields[name] = field(name).value; });
    fields.alignments = alignments;
    return {
      badge_uuid: field("pick").value,
      display_name: field("display_name").value,
      fields: fields,
      rule: keepRule && !conditions.length ? null : {combine: combine(), conditions: conditions},
      image: image
    };
  }

  function status(message) {
    var box = $("status");
    box.textContent = "";
    window.setTimeout(function () { box.textContent = message; }, 50);
  }

  function clearErrors() {
    Array.prototype.forEach.call(root.querySelectorAll("[data-error-for]"), function (slot) {
      slot.hidden = true;
      slot.textContent = "";
    });
    Array.prototype.forEach.call(root.querySelectorAll('[aria-invalid="true"]'), function (input) {
      input.removeAttribute("aria-invalid");
    });
    $("summary").hidden = true;
    $("summary-list").innerHTML = "";
  }

  // What the summary calls a field: its label (without the "*" marker), after the title of the
  // skill or condition it belongs to ("Skill 2, Web address"); for a message about a whole group
  // (no condition yet), the group's legend.
  function fieldName(input, slot) {
    var label = input && input.id ? root.querySelector('label[for="' + input.id + '"]') : null;
    var group = (input || slot) && (input || slot).parentNode.closest("fieldset");
    if (!label) {
      var legend = group && group.querySelector("legend");
      return legend ? legend.textContent.trim() : "";
    }
    var copy = label.cloneNode(true);
    Array.prototype.forEach.call(copy.querySelectorAll('[aria-hidden="true"]'), function (node) {
      node.parentNode.removeChild(node);
    });
    var name = copy.textContent.replace(/\s+/g, " ").trim();
    var inner = group && group.parentNode.closest("fieldset") ? group.querySelector("legend") : null;
    return inner ? interpolate(gettext("{group}, {field}"), {group: inner.textContent.trim(), field: name}) : name;
  }

  function showErrors(errors, focusSummary) {
    clearErrors();
    var keys = Object.keys(errors || {});
    if (!keys.length) {
      return;
    }
    var list = $("summary-list");
    keys.forEach(function (key) {
      var message = Array.isArray(errors[key]) ? errors[key].join(" ") : String(errors[key]);
      // Field messages go next to their field; others (no issuer, a stale badge) only in the summary.
      var slot = root.querySelector('[data-error-for="' + key + '"]') ||
        (/^rule-\d+-/.test(key) ? root.querySelector('[data-error-for="' + key.replace(/-\w+$/, "-kind") + '"]') : null);
      if (slot) {
        slot.textContent = message;
        slot.hidden = false;
      }
      var input = field(key);
      if (input) {
        input.setAttribute("aria-invalid", "true");
      }
      var target = input || slot;
      var name = fieldName(input, slot);
      var entry = name ? interpolate(gettext("{field}: {message}"), {field: name, message: message}) : message;
      list.appendChild(el("li", {}, [target ? el("a", {href: "#" + target.id, "data-focus": target.id, text: entry})
                                            : entry]));
    });
    $("summary").hidden = false;
    if (focusSummary) {
      $("summary").focus();
    }
  }

  function send(handler, data) {
    return text.post(runtime.handlerUrl(element, handler), data);
  }

  function save(event) {
    event.preventDefault();
    var button = $("save");
    button.disabled = true;
    status(gettext("Saving…"));
    send("save_badge", payload()).then(function (result) {
      button.disabled = false;
      if (!result.ok) {
        showErrors((result.data && result.data.errors) || {"__all__": (result.data && result.data.error) ||
          gettext("The badge could not be saved.")}, true);
        status(gettext("Not saved: please fix the errors."));
        return;
      }
      clearErrors();
      var badge = result.data.badge;
      var known = !!badges[badge.uuid];
      badges[badge.uuid] = badge;
      if (!known) {
        field("pick").appendChild(el("option", {value: badge.uuid, text: badge.name}));
      } else {
        field("pick").querySelector('option[value="' + badge.uuid + '"]').textContent = badge.name;
      }
      field("pick").value = badge.uuid;
      image = null;
      field("image").value = "";
      $("image-preview").hidden = false;
      $("image-preview").src = badge.image_url + (badge.image_url.indexOf("?") === -1 ? "?" : "&") + "v=" + Date.now();
      keepRule = false;
      status(result.data.message || gettext("Saved."));
      // Learners already hold this badge: offer the dashboard's re-issue (issue 18).
      $("reissue").hidden = !result.data.reissue_url;
      if (result.data.reissue_url) { $("reissue-link").href = result.data.reissue_url; }
      if (runtime.notify) {
        runtime.notify("save", {state: "start"});
        runtime.notify("save", {state: "end"});
      }
    }).catch(function () {
      button.disabled = false;
      status(gettext("The badge could not be saved: the server did not answer. Try again."));
    });
  }

  function preview() {
    send("preview", payload()).then(function (result) {
      if (!result.data || !result.data.html) {
        status(gettext("The preview could not be made."));
        return;
      }
      showErrors(result.data.errors || {}, false);
      var section = $("preview-section");
      var body = $("preview-body");
      body.innerHTML = result.data.html;
      if (imageUrl) {
        var img = body.querySelector(".openedx-badge__image");
        if (img && img.tagName === "IMG") {
          img.src = imageUrl;
        } else if (img) {
          img.parentNode.replaceChild(el("img", {"class": "openedx-badge__image", src: imageUrl, width: "128",
                                                 height: "128", alt: img.getAttribute("aria-label") || ""}), img);
        }
      }
      section.hidden = false;
      section.querySelector("h3").focus();
    });
  }

  function chooseImage(input) {
    var file = input.files && input.files[0];
    image = null;
    if (!file) {
      return;
    }
    var slot = root.querySelector('[data-error-for="image"]');
    slot.hidden = true;
    if (!/\.(png|svg)$/i.test(file.name)) {
      slot.textContent = gettext("Upload a PNG or SVG file.");
      slot.hidden = false;
      input.setAttribute("aria-invalid", "true");
      return;
    }
    input.removeAttribute("aria-invalid");
    var reader = new FileReader();
    reader.onload = function () {
      var data = String(reader.result);
      image = {filename: file.name, data: data.slice(data.indexOf(",") + 1)};
      if (imageUrl) {
        URL.revokeObjectURL(imageUrl);
      }
      imageUrl = URL.createObjectURL(file);
      var shown = $("image-preview");
      shown.src = imageUrl;
      shown.alt = gettext("New badge image (not saved yet)");
      shown.hidden = false;
    };
    reader.readAsDataURL(file);
  }

  form.addEventListener("submit", save);
  root.addEventListener("input", function (event) {
    if (event.target === $("skill-search")) {
      window.clearTimeout(searchTimer);
      searchTimer = window.setTimeout(searchSkills, 250);
    }
  });
  root.addEventListener("keydown", function (event) {
    if (event.target === $("skill-search") && event.key === "Enter") {
      event.preventDefault();  // Enter searches at once; it never submits the whole form
      window.clearTimeout(searchTimer);
      searchSkills();
    }
  });
  root.addEventListener("change", function (event) {
    var target = event.target;
    if (target === field("pick")) {
      fill(badges[target.value] || null);
    } else if (target === field("image")) {
      chooseImage(target);
    } else if (target.closest && target.closest('[data-role="conditions"]') &&
               target.getAttribute("data-role") !== "kind") {
      readConditions();
      renderProposals();
    } else if (target.getAttribute("data-role") === "kind") {
      readConditions();
      var index = Number(target.getAttribute("data-index"));
      conditions[index] = {kind: target.value};
      renderConditions("rule-" + index + "-kind");
    }
  });
  root.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("[data-role], [data-focus]") : null;
    if (!target || !root.contains(target)) {
      return;
    }
    var role = target.getAttribute("data-role");
    var index = Number(target.getAttribute("data-index"));
    if (target.hasAttribute("data-focus") && target.getAttribute("data-focus")) {
      event.preventDefault();
      var goal = document.getElementById(target.getAttribute("data-focus"));
      if (goal) {
        goal.focus();
      }
    } else if (role === "add-condition") {
      readConditions();
      conditions.push({kind: FIRST_KIND});
      renderConditions("rule-" + (conditions.length - 1) + "-kind");
    } else if (role === "remove-condition") {
      readConditions();
      conditions.splice(index, 1);
      renderConditions();
      status(interpolate(gettext("Condition {number} removed."), {number: index + 1}));
      $("add-condition").focus();
    } else if (role === "pick-skill" && found[index]) {
      addSkill(found[index]);
    } else if (role === "propose-skill" && proposed[index]) {
      addSkill(proposed[index]);
    } else if (role === "add-alignment") {
      readAlignments();
      alignments.push({});
      renderAlignments(alignments.length - 1);
    } else if (role === "remove-alignment") {
      readAlignments();
      alignments.splice(index, 1);
      renderAlignments();
      renderProposals();
      status(interpolate(gettext("Skill {number} removed."), {number: index + 1}));
      $("add-alignment").focus();
    } else if (role === "preview") {
      preview();
    } else if (role === "cancel") {
      if (runtime.notify) {
        runtime.notify("cancel", {});
      }
    }
  });

  var current = badges[init.badgeUuid];
  alignments = current ? current.fields.alignments.slice() : [];
  renderAlignments();
  if (init.ruleForm) {
    conditions = init.ruleForm.conditions.slice();
    setCombine(init.ruleForm.combine);
  }
  renderConditions();
  return {};
}
